cost_center = "cc-1001"
tags = {
  "business-unit" = "retail"
}
