"""The Docker image, the compose file and the release workflow."""
