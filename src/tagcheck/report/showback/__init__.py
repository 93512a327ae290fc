"""Formats of the showback document (cost by team, feature, component …): html, markdown,
csv, json (one module each)."""
