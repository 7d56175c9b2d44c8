/// The inventory probe kinds, registered in `ProbeRegistry.builtIn`.
let inventoryProbes: [RegisteredProbe] = []
