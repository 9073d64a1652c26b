"""The choke point: class-level patches of botocore (and aiobotocore, when installed)
that hand connectcases requests to the active mock."""
