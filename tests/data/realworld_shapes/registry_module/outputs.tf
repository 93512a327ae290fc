output "bucket_id" {
  description = "The name of the bucket"
  value       = try(aws_s3_bucket.this[0].id, null)
}

output "queue_arns" {
  description = "ARNs of the queues"
  value       = { for k, v in aws_sqs_queue.this : k => v.arn }
}

output "log_group_name" {
  description = "Name of the CloudWatch log group"
  value       = try(aws_cloudwatch_log_group.this[0].name, null)
}
