package dev.marauder.attacks.inference.inversion;

/** The zero auxiliary term, {@link AuxiliaryTerm#none()}. */
final class NoAuxiliaryTerm implements AuxiliaryTerm {
    static final NoAuxiliaryTerm INSTANCE = new NoAuxiliaryTerm();

    private NoAuxiliaryTerm() {}

    @Override
    public String description() {
        return "none";
    }

    @Override
    public double value(float[] x) {
        return 0;
    }

    @Override
    public void addGradient(float[] x, float[] gradient) {}
}
