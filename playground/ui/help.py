"""Tooltips: one short, plain-words explanation per control, tied to the idea it shows.

A setting's help is declared with the setting (`core.settings.SETTINGS`); the entries here
are for controls that are not settings (speed, view, buttons, files)."""
from __future__ import annotations

from ..core.settings import SETTINGS

HELP = {name: s.help for name, s in SETTINGS.items()}
HELP.update({
    "speed": "How many epochs to train per second while playing. TensorFlow Playground runs about "
             "60; faster gets there sooner, slower lets you watch each change.",
    "view": "How tall the live view (network, boundary, loss) is: larger suits a big screen.",
    "loss_axis": "How the loss chart is drawn: linear from 0; log (a loss that keeps halving "
                 "falls in even steps); recent (the latest tenth of the run on its own scale, "
                 "so the bounces of a too large learning rate show). A ring on the test line "
                 "marks the lowest test loss so far: training past it made the network worse on "
                 "new points (early stopping would keep those weights).",
    "layer_act": "The activation of this layer only.",
    "problem": "Classification predicts a class (a colour); regression predicts a number.",
    "regenerate": "Draw new data (and new starting weights) with a new random seed.",
    "depth": SETTINGS["layers"].help,
    "width": "Neurons in this hidden layer: more neurons, more features to combine.",
    "share": "This link holds every setting that differs from the defaults; opening it gives the "
             "same data, the same starting weights and so the same run.",
    "open_link": "Paste a link from this playground or from TensorFlow Playground "
                 "(playground.tensorflow.org/#...) to load its settings.",
    "download_model": "The trained network as a JSON file: settings, epoch and every weight.",
    "download_data": "The data as CSV: x1, x2, label and split (train/test), full precision.",
    "upload_model": "Continue from a model file saved here. Its settings replace the current ones.",
    "upload_data": "Train on your own points: a CSV with columns x1, x2, label (and optionally split = "
                   "train/test). Inputs are rescaled to fit the plane.",
    "edit": "Type a new value and press Enter (while paused): watch the boundary change.",
    "point_tool": "Put your own points on the plot: Add points, then click where you want one "
                  "(right-click removes the nearest). The network keeps its weights, so you can "
                  "watch the boundary bend toward the new points. Off: clicks do nothing.",
    "point_class": "The colour of the points you add; shift-click adds the other one.",
    "point_target": "The value a new point asks the network to predict (orange −1 … blue +1).",
    "point_set": "Training points are what the network learns from; test points only measure "
                 "how well it does on points it never trained on.",
    "point_clear": "Undo every point you added or removed: back to the generated data.",
    "scrub": "Slide back to see the network as it was at an earlier epoch: the boundary, every "
             "neuron and the numbers. The run keeps a bounded set of moments, every epoch at first "
             "and sparser as it grows.",
    "branch": "Train on from the epoch shown with the current settings (a lower learning rate, "
              "say): the run it left stays on the loss chart, faint, so you can compare; its link "
              "replays the run to that epoch and goes on the same way.",
    "point_empty": "Remove every generated point and draw your own data from nothing.",
})
