"""One mapping per adapter kind: source-native record -> common-schema posting."""
