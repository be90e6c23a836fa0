#!/usr/bin/env python3
"""Writes the two tiny fully-convolutional ONNX models bundled in unfold4j-onnx (the command line's infer, the tests).

Run from the repository root with Debian's python3-torch (/usr/bin/python3):

    /usr/bin/python3 onnx/models/make_models.py

Both take an image [N, 3, H, W] of float32 values in 0..1 (any N, H, W) and have fixed weights,
so the files are reproducible and a person can recognise what they do:

- gray.onnx: one 1x1 convolution, RGB to luminance (0.299, 0.587, 0.114): [N, 1, H, W]. Every output
  pixel depends on one input pixel, so tiled inference must give exactly the whole-image result.
- edges.onnx: luminance, a 3x3 binomial blur, then Sobel x and y (3x3 each) and the gradient
  magnitude sqrt(gx^2 + gy^2): [N, 1, H, W], an edge map. Its 5x5 receptive field and zero
  padding make tiles disagree near their borders: the seams that blending hides.
"""
import os

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "src", "main", "resources", "org", "unfold4j", "onnx", "models")
LUMA = torch.tensor([0.299, 0.587, 0.114]).view(1, 3, 1, 1)


class Gray(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.luma = torch.nn.Conv2d(3, 1, 1, bias=False)
        self.luma.weight.data.copy_(LUMA)

    def forward(self, x):
        return self.luma(x)


class Edges(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.luma = torch.nn.Conv2d(3, 1, 1, bias=False)
        self.luma.weight.data.copy_(LUMA)
        b = torch.tensor([1.0, 2.0, 1.0])
        self.blur = torch.nn.Conv2d(1, 1, 3, padding=1, bias=False)
        self.blur.weight.data.copy_((torch.outer(b, b) / 16).view(1, 1, 3, 3))
        sx = torch.tensor([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])
        self.sobel = torch.nn.Conv2d(1, 2, 3, padding=1, bias=False)
        self.sobel.weight.data.copy_(torch.stack([sx, sx.t()]).view(2, 1, 3, 3))

    def forward(self, x):
        g = self.sobel(self.blur(self.luma(x)))
        return torch.sqrt(g[:, 0:1] * g[:, 0:1] + g[:, 1:2] * g[:, 1:2])


def export(model, name):
    path = os.path.join(OUT, name)
    axes = {0: "n", 2: "h", 3: "w"}
    torch.onnx.export(model.eval(), torch.zeros(1, 3, 16, 16), path, input_names=["image"], output_names=["output"],
                      dynamic_axes={"image": axes, "output": axes}, opset_version=13)
    print(path, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    with torch.no_grad():
        export(Gray(), "gray.onnx")
        export(Edges(), "edges.onnx")
