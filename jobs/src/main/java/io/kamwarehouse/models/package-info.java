/**
 * Probability models of customer value and retention, in plain Java (no Spark): BG/NBD repeat buying
 * ({@link io.kamwarehouse.models.BgNbdModel}), Gamma-Gamma spend ({@link io.kamwarehouse.models.GammaGammaModel}),
 * discounted CLV ({@link io.kamwarehouse.models.CustomerLifetimeValue}) and shifted-beta-geometric contract
 * retention ({@link io.kamwarehouse.models.ShiftedBetaGeometricModel}).
 *
 * <p>Fits are maximum likelihood (Nelder-Mead on log-parameters, restarted until stable) and return a
 * {@link io.kamwarehouse.models.FitResult}; bad input raises {@link java.lang.IllegalArgumentException} with a
 * message naming the offending row, and a fit that does not converge says so in the result. Models are
 * immutable, serialisable records, so they can be fitted per segment on the driver and broadcast to executors.
 */
package io.kamwarehouse.models;
