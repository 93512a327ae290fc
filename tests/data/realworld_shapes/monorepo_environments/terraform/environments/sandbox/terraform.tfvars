team        = "research"
cost_center = "CC-3003"
users = {
  alice = "g4dn.xlarge"
  bob   = "t3.medium"
}
