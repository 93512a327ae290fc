p_auto_z     = "z.auto"
p_var_file_1 = "z.auto"
p_var_file_2 = "z.auto"
p_cli        = "z.auto"
