"""SSM documents as data: AWS-owned content, command plans built from a document and its
parameters, ``{{ssm:...}}`` references. Pure: no I/O."""
