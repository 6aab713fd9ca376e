"""Pure extraction: response bytes in, source-native records out (no Scrapy needed)."""
