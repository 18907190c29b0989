// What every loader returns: images as bytes (one per channel value, CHW within an image, as PyTorch
// stores them), labels as class indices, and what the training loop needs to normalise them. Bytes, not
// floats: the loop builds each batch's floats on the fly, so a run holds the uint8 set plus a few batches.

export interface ImageSplit {
  /** count × channels × rows × cols bytes, each image in PyTorch's CHW order. */
  images: Uint8Array;
  labels: Uint8Array | Uint16Array;
  count: number;
  rows: number;
  cols: number;
  /** Absent means 1 (the IDX loader's grey images). */
  channels?: number;
}

export interface ImageDataset {
  train: ImageSplit;
  test: ImageSplit;
  /** The folder the files came from. */
  dir: string;
  /** "MNIST", "CIFAR-10", "ImageFolder" … — for messages and the start event. */
  name: string;
  /** Class names, index = label. */
  classes: string[];
  /** Per-channel mean and standard deviation of x/255, as torchvision's Normalize takes them. */
  mean: number[];
  std: number[];
}

export const channelsOf = (s: ImageSplit): number => s.channels ?? 1;
