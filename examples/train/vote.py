"""A clip's decision from its windows' class probabilities, by the rules of the device's Voter
(include/earshot/pipeline/voter.hpp), named as a front-end file's "vote" names them. Used by
train.py and examples/esc10/compare_votes.py."""
import numpy as np

RULES = ("mean", "geometric", "majority", "max")


def vote(probabilities, rule):
    """The class scores over windows of probabilities (windows x classes); argmax is the decision."""
    if rule == "majority":
        return np.bincount(probabilities.argmax(1), minlength=probabilities.shape[1]) / len(probabilities)
    if rule == "max":
        return probabilities.max(0)
    if rule == "geometric":
        scores = np.exp(np.log(np.maximum(probabilities, 1e-30)).mean(0))
        return scores / scores.sum()
    return probabilities.mean(0)
