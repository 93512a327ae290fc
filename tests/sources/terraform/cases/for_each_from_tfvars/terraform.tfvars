buckets = [
  { name = "raw", team = "ingest" },
  { name = "curated", team = "" },
]
enabled = false
