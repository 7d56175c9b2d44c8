import PreflightEngine

/// The inventory checks read the same exports whatever their judgement, so saved facts of one judge
/// another of the same judgement (`evaluate`).
extension InventoryProbe: FactsIndependentOfParams {}
