import PreflightEngine

/// What the directory kind gathers depends on the judgement only (the bind, or the one snapshot), never on the other
/// params (which right, which controls, which characters): saved facts of one check judge another check of the same
/// judgement, and a check whose params a catalog update changed (`evaluate`).
extension DirectoryProbe: FactsIndependentOfParams {}
