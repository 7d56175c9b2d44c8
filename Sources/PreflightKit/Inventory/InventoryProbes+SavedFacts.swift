/// The inventory checks read the same exports whatever their `aspect` and list limit, so saved facts of one judge the
/// others (`evaluate`).
extension InventoryProbe: FactsIndependentOfParams {}
