"""The AWS side: the deployable artefacts and the CloudFormation deploy."""
