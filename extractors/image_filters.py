"""Exact, fast array versions of the few image filters OCR preparation needs.

Why not Pillow's: its rank filters (`MedianFilter`, `MaxFilter`) sort the whole window at
every pixel. On a 300 dpi page a 3x3 median took ~250 ms and the 9x9 maximum of the paper
estimate ~130 ms; the versions here take ~30 ms and ~1 ms and give the same pixels, edges
included (Pillow repeats the edge pixels; so do these). The run tests behind table-rule
erasing were run-length maps (a cumulative sum over every pixel, on transposed copies);
they are now windows of shifted AND/OR, doubling the span each step, ~5x faster.

The tests hold each function equal to Pillow's filter or to the plain run-length
definition, on random arrays of every small shape and on real scanned pages. Same pixels
means the same OCR text, so the OCR cache (`PREPARATION_VERSION`) stays valid.
"""

from __future__ import annotations

import numpy as np

Mask = np.ndarray
"""A 2-D boolean array (True = ink, or = part of whatever is being measured)."""


def median3(pixels: np.ndarray) -> np.ndarray:
    """The 3x3 median of a 2-D uint8 array, edge pixels repeated (as Pillow's `MedianFilter(3)`).

    Each column of three is sorted into low, middle and high; the median of the nine is
    then the median of (the highest low, the median middle, the lowest high), an exact
    identity that needs only element-wise minimum and maximum.
    """
    height, width = pixels.shape
    padded = np.pad(pixels, 1, mode="edge")
    above, centre, below = padded[:height], padded[1 : height + 1], padded[2 : height + 2]
    low, high = np.minimum(above, centre), np.maximum(above, centre)
    middle, high = np.minimum(high, below), np.maximum(high, below)
    low, middle = np.minimum(low, middle), np.maximum(low, middle)
    lows = np.maximum(np.maximum(low[:, :width], low[:, 1 : width + 1]), low[:, 2:])
    highs = np.minimum(np.minimum(high[:, :width], high[:, 1 : width + 1]), high[:, 2:])
    middles = _median_of_three(middle[:, :width], middle[:, 1 : width + 1], middle[:, 2:])
    return _median_of_three(lows, middles, highs)


def _median_of_three(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    return np.maximum(np.minimum(a, b), np.minimum(np.maximum(a, b), c))


def max_filter(pixels: np.ndarray, size: int) -> np.ndarray:
    """The `size` x `size` maximum (odd size) of a 2-D array, as Pillow's `MaxFilter(size)`.

    Separable: the maximum over rows of the maximum over columns. At an edge the window
    is cut short, which is what repeating the edge pixels gives for a maximum.
    """
    reach = size // 2
    result = pixels
    for axis in (0, 1):
        source, result = result, result.copy()
        for step in range(1, min(reach, source.shape[axis] - 1) + 1):
            np.maximum(result[_span(axis, step, None)], source[_span(axis, None, -step)],
                       out=result[_span(axis, step, None)])
            np.maximum(result[_span(axis, None, -step)], source[_span(axis, step, None)],
                       out=result[_span(axis, None, -step)])
    return result


def runs_at_least(mask: Mask, length: int, axis: int) -> Mask:
    """True where a pixel belongs to an unbroken run of at least `length` along `axis`."""
    starts = all_ahead(mask, length, axis)
    if not starts.any():  # the usual answer for long runs: skip the second pass
        return starts
    return any_behind(starts, length, axis)


def all_ahead(mask: Mask, length: int, axis: int, beyond_edge: bool = False) -> Mask:
    """out[x] = all of mask[x : x + length] along `axis`; cells past the edge count as
    `beyond_edge` (False: a run stops at the edge; True: the edge is no obstacle)."""
    return _window(mask, length, axis, np.logical_and, ahead=True, beyond_edge=beyond_edge)


def any_behind(mask: Mask, length: int, axis: int) -> Mask:
    """out[x] = any of mask[x - length + 1 : x + 1] along `axis` (nothing before the edge)."""
    return _window(mask, length, axis, np.logical_or, ahead=False, beyond_edge=False)


def _window(
    mask: Mask, length: int, axis: int, combine: np.ufunc, ahead: bool, beyond_edge: bool
) -> Mask:
    """Fold `combine` over a window of `length` cells, by binary decomposition of `length`.

    `block` holds the fold over `span` cells (span doubling each round); the rounds whose
    bit is set in `length` are folded into `result`, `covered` cells further along.
    """
    size = mask.shape[axis]
    block, span, covered = mask.copy(), 1, 0
    result: Mask | None = None
    remaining = length
    while True:
        if remaining & 1:
            if result is None:
                result = block.copy()
            else:
                _fold(result, block, covered, axis, combine, ahead, beyond_edge, size)
            covered += span
        remaining >>= 1
        if not remaining:
            break
        _fold(block, block, span, axis, combine, ahead, beyond_edge, size)
        span *= 2
    assert result is not None, "length must be at least 1"
    return result


def _fold(
    target: Mask, source: Mask, offset: int, axis: int, combine: np.ufunc, ahead: bool,
    beyond_edge: bool, size: int,
) -> None:
    """target[x] = combine(target[x], source[x +/- offset]) in place; cells whose partner
    lies past the edge are set to `beyond_edge` for an AND window looking ahead, and kept
    as they are otherwise (the identity of the fold)."""
    if offset < size:
        head, tail = _span(axis, None, size - offset), _span(axis, offset, None)
        near, far = (head, tail) if ahead else (tail, head)
        combine(target[near], source[far], out=target[near])
    if ahead and not beyond_edge:
        target[_span(axis, max(0, size - offset), None)] = False


def _span(axis: int, start: int | None, stop: int | None) -> tuple[slice, slice]:
    """A 2-D index selecting start:stop along `axis` and everything along the other."""
    return (slice(start, stop), slice(None)) if axis == 0 else (slice(None), slice(start, stop))
