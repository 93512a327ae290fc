team        = "data-platform"
environment = "dev"
