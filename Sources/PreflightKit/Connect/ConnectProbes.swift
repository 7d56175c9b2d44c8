/// The Entra Connect probe kinds (filled in by the Connect issue).
let connectProbes: [RegisteredProbe] = []
