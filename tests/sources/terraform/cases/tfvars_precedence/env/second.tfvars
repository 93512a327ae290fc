p_var_file_2 = "var-file-2"
p_cli        = "var-file-2"
