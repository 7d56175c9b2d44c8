/// The network probe kinds, registered in `ProbeRegistry.builtIn`.
let networkProbes: [RegisteredProbe] = []
