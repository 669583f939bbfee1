"""ImageLocality: prefer nodes that already have the pod's images, weighted by image size
and by how widely the image is spread (so one node with a big image does not attract
every pod). No NormalizeScore."""

import numpy as np

from kubeplan.dryrun.scheduler.framework import Plugin
from kubeplan.dryrun.scheduler.nodemasks import shared

MB = 1024 * 1024
MIN_THRESHOLD = 23 * MB
MAX_CONTAINER_THRESHOLD = 1000 * MB


def normalized_image_name(name: str) -> str:
    if name.rfind(":") <= name.rfind("/"):
        name = name + ":latest"
    return name


def calculate_priority(sum_scores: int, num_containers: int) -> int:
    max_threshold = MAX_CONTAINER_THRESHOLD * num_containers
    if sum_scores < MIN_THRESHOLD:
        sum_scores = MIN_THRESHOLD
    elif sum_scores > max_threshold:
        sum_scores = max_threshold
    return 100 * (sum_scores - MIN_THRESHOLD) // (max_threshold - MIN_THRESHOLD)


class ImageLocality(Plugin):
    name = "ImageLocality"

    def pre_score(self, state, pi, nodes):
        return True

    def score(self, state, pi, nodes):
        return shared(self.snapshot, pi.template, "image_score", lambda t: (tuple(t.images), t.num_containers), _image_scores)[nodes]


def _image_scores(snap, t) -> np.ndarray:
    images = [normalized_image_name(i) for i in t.images]
    total = snap.n
    raw = np.zeros(snap.n, dtype=np.int64)
    if any(i in snap.image_nodes for i in images):
        for node, node_images in enumerate(snap.images):
            s = 0
            for image in images:
                size = node_images.get(image)
                if size is not None:
                    s += int(float(size) * (float(snap.image_nodes[image]) / float(total)))
            raw[node] = calculate_priority(s, t.num_containers)
    return raw
