"""The container engine behind instances: an interface (`interface`, `values`, `errors`) and its
Docker implementation (`docker/`), the only code that talks to a Docker engine."""
