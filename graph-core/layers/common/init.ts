/**
 * PyTorch's default initialisation bounds.
 *
 * nn.Linear / nn.Conv*: kaiming_uniform_(a=√5) gives U(±√(6/((1+a²)·fan_in))) = U(±1/√fan_in) for the weight,
 * and the bias is U(±1/√fan_in) too. RNN/LSTM/GRU use U(±1/√hidden_size) for every tensor.
 */
export const fanInUniform = (fanIn: number): number => (fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0);
