"""Crawling: the Scrapy process over catalogue sources, then storing what it found."""
