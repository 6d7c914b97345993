"""The HTTP API's Lambda function."""
