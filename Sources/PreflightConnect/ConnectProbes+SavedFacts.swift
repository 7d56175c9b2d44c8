import PreflightEngine

/// What the Connect kind gathers depends on the judgement only (the export, or for `staging` the scheduler output), so
/// saved facts of one check judge another check of the same judgement (`evaluate`).
extension ConnectProbe: FactsIndependentOfParams {}
