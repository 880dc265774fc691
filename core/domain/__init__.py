"""Domain rules that do not depend on storage or channels: values, periods, targets."""
