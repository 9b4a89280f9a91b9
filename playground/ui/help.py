"""Tooltips: one short, plain-words explanation per control, tied to the idea it shows."""
from __future__ import annotations

HELP = {
    "speed": "How many epochs to train per second while playing. TensorFlow Playground runs "
             "about 60; faster gets there sooner, slower lets you watch each change.",
    "view": "How tall the live view (network, boundary, loss) is: larger suits a big screen.",
    "lr": "The learning rate: how big a step the weights take down the slope of the loss after "
          "each mini-batch. Too small crawls; too large overshoots and can blow up.",
    "activation": "The function each hidden neuron applies to its weighted sum. Without a "
                  "non-linear one (anything but linear) stacking layers adds no power: the "
                  "network can only draw straight boundaries.",
    "layer_act": "The activation of this layer only.",
    "reg": "Regularization adds a penalty on large weights to the loss. L2 shrinks all weights "
           "a little; L1 pushes unneeded weights to exactly zero. Both fight overfitting.",
    "reg_rate": "How strongly the penalty on large weights counts against the loss.",
    "problem": "Classification predicts a class (a colour); regression predicts a number.",
    "optimizer": "How gradients become steps. SGD steps straight down the slope; momentum and "
                 "Nesterov keep a running velocity; RMSprop and Adam scale each weight's step "
                 "by how large its gradients have been.",
    "schedule": "Constant keeps the learning rate; decay shrinks it over time (η / (1 + "
                "epoch/100)), so late steps settle instead of bouncing.",
    "cost": "The cost function measures how wrong the network is on a point; training lowers "
            "its mean. Squared error is TensorFlow Playground's; cross-entropy punishes "
            "confident mistakes hard; hinge only cares about points on the wrong side of a margin.",
    "batch": "How many training points are averaged for each weight update. Small batches give "
             "noisy, frequent steps; large ones give smooth, rare steps.",
    "init": "The starting weights. TFP: uniform in ±0.5. Xavier and He scale by the number of "
            "inputs so signals keep their size through deep networks. Zeros makes every neuron "
            "of a layer identical forever: see why random starts matter.",
    "dataset": "The points to learn. Orange and blue are the two classes; in regression the "
               "colour is the value to predict.",
    "classes": "How many classes (colours) to generate.",
    "points": "How many points to generate in total (training + test).",
    "noise": "Blurs the data: points near the boundary may get the other label, or move. More "
             "noise means no network can be perfect.",
    "label_noise": "The share of training labels flipped to a wrong class. Test labels stay "
                   "clean, so you can watch a big network memorize mistakes (overfit).",
    "train": "The share of points used for training; the rest are held out to test how well "
             "the network generalizes to points it has never seen.",
    "seed": "The random seed: the same seed gives the same data, the same starting weights "
            "and the same batch order, so the same run.",
    "regenerate": "Draw new data (and new starting weights) with a new random seed.",
    "features": "What the network sees of each point. x1 and x2 are the coordinates; x1², "
                "x1·x2, sin x1 … are hand-made features that make some shapes easy even "
                "without hidden layers.",
    "depth": "Hidden layers between inputs and output. Each layer builds new features from the "
             "previous layer's, so depth lets the network draw more complicated boundaries.",
    "width": "Neurons in this hidden layer: more neurons, more features to combine.",
    "residual": "A residual layer adds its input to its output (where the widths match). The "
                "shortcut lets the gradient reach early layers, so deep networks still train.",
    "show_test": "Also draw the test points (dark rim), which the network never trains on.",
    "discretize": "Colour the plane by the predicted class only, instead of shading by how sure "
                  "the network is.",
    "share": "This link holds every setting that differs from the defaults; opening it gives "
             "the same data, the same starting weights and so the same run.",
    "open_link": "Paste a link from this playground or from TensorFlow Playground "
                 "(playground.tensorflow.org/#...) to load its settings.",
    "hide": "Controls to hide from students who open the classroom link.",
    "download_model": "The trained network as a JSON file: settings, epoch and every weight.",
    "download_data": "The data as CSV: x1, x2, label and split (train/test), full precision.",
    "upload_model": "Continue from a model file saved here. Its settings replace the current "
                    "ones.",
    "upload_data": "Train on your own points: a CSV with columns x1, x2, label (and optionally "
                   "split = train/test). Inputs are rescaled to fit the plane.",
    "edit": "Type a new value and press Enter (while paused): watch the boundary change.",
}
