// `import PreflightKit` gives a client (the command line, the fuzzing harnesses, another tool) every layer at once.
@_exported import PreflightCloudSync
@_exported import PreflightConnect
@_exported import PreflightCore
@_exported import PreflightDirectory
@_exported import PreflightEngine
@_exported import PreflightInventory
@_exported import PreflightMonitoring
@_exported import PreflightNetwork
@_exported import PreflightReporting
