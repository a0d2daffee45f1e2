// Handler loggers stay silent in tests unless a test captures them on purpose.
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
