"""The Wuye service chassis: everything a service needs except its domain."""
