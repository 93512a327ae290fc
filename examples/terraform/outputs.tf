output "inference_url" {
  description = "Public endpoint of the inference API."
  value       = "http://${module.inference.alb_dns_name}"
}

output "model_server_repository" {
  value = aws_ecr_repository.inference.repository_url
}

output "dataset_bucket" {
  value = module.data.dataset_bucket_name
}

output "trainer_private_ip" {
  value = module.training.private_ip
}

output "feature_store_endpoint" {
  value = module.database.endpoint
}
