/// The export checks read the same Connect export whatever their `aspect`, so saved facts of one judge the others
/// (`evaluate`).
extension ConnectExportProbe: FactsIndependentOfParams {}
