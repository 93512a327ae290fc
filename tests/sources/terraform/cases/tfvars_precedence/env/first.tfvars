cost_center  = "cc-1111"
p_var_file_1 = "var-file-1"
p_var_file_2 = "var-file-1"
p_cli        = "var-file-1"
