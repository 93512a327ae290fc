cost_center = "cc-0420"
