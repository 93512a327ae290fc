team = "chain"
