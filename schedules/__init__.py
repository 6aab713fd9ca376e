"""Operations: when crawls run (the scheduler), how each source is doing (health), and the signals
ops watch (metrics, structured logs). The crawl itself lives in ``aggregator.crawl``; this
package only decides when to start it, in a child process, and judges how it went.
"""
