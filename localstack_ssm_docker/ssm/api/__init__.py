"""The SSM API surface: the provider's handlers, request checks, filters, paging and reply
shapes. Pure functions over the store, but for the provider itself."""
