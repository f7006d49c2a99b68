"""EC2 Instance Connect: SendSSHPublicKey makes a key valid for 60 s for one OS user of one
instance; the metadata service serves it to the instance's sshd (managed-ssh-keys)."""
