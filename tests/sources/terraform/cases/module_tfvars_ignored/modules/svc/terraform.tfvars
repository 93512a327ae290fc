# only read when this directory is the root; as a called module it is ignored
team        = "from-module-tfvars"
cost_center = ""
