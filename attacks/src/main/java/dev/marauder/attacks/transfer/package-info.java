/**
 * Transfer attacks on black-box models: a substitute trained from the target's labels with
 * Jacobian-based dataset augmentation (Papernot et al. 2017) and white-box adversarial examples
 * crafted on it and submitted to the target.
 */
package dev.marauder.attacks.transfer;
