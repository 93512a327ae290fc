team = "ml"
cost_center = 
