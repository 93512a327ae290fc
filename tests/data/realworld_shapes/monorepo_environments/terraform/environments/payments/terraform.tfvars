team = "payments"
