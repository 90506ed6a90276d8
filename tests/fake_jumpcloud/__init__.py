"""A fake JumpCloud API for the collection's tests, benchmarks and demo."""
