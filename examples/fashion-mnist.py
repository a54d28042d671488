"""PyTorch twin of examples/fashion-mnist.ts: the same network, built in the same order from the same
seed, the same data pipeline (IDX files, the same normalisation, a shuffle with its own generator),
the same hyper-parameters (Adam + OneCycleLR stepped after every batch, global gradient-norm clipping
before every step).

    python3 examples/fashion-mnist.py [--full] [--epochs N] [--batch-size N] [--max-lr X]
                                      [--clip X] [--dropout P] [--seed N] [--data DIR] [--max-batches N]

torchlet's optimizers clip inside step() (`globalClipNorm`); here that is
clip_grad_norm_(model.parameters(), clip) right before optimizer.step(), which is the same
computation. The initial weights and the batch order are identical; the numbers still drift apart
slowly because dropout draws its masks from a different random stream in torchlet, and float32
sums are accumulated in a different order. With --dropout 0 the first losses agree to about five
digits.
"""
import argparse
import gzip
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
SUBSET_DIR = os.path.join(HERE, 'data', 'fashion-mnist-subset')
FULL_DIR = '/usr/share/datasets/fashion-mnist'
MEAN, STD = 0.286, 0.353


def read_idx_gz(path):
    """An IDX file (unsigned bytes) as a float32 tensor of its own shape."""
    with gzip.open(path, 'rb') as f:
        data = f.read()
    assert data[0] == 0 and data[1] == 0 and data[2] == 0x08, 'expected an IDX file of unsigned bytes'
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], 'big') for i in range(dims)]
    array = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)
    return torch.from_numpy(array.astype(np.float32))


def load_split(directory, split):
    images = read_idx_gz(os.path.join(directory, f'{split}-images-idx3-ubyte.gz'))
    labels = read_idx_gz(os.path.join(directory, f'{split}-labels-idx1-ubyte.gz')).long()
    return ((images / 255 - MEAN) / STD).unsqueeze(1), labels


class FashionCNN(nn.Module):
    def __init__(self, dropout=0.25):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1),
            nn.BatchNorm2d(8),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1),
            nn.BatchNorm2d(16),
            nn.ReLU(),
            nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(16 * 7 * 7, 64),
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(64, 10),
        )

    def forward(self, x):
        return self.classifier(self.features(x))


def evaluate(model, x, y, batch_size=500):
    model.eval()
    loss, correct = 0.0, 0
    with torch.no_grad():
        for i in range(0, x.shape[0], batch_size):
            logits = model(x[i:i + batch_size])
            target = y[i:i + batch_size]
            loss += F.cross_entropy(logits, target, reduction='sum').item()
            correct += (logits.argmax(1) == target).sum().item()
    return loss / x.shape[0], correct / x.shape[0]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--full', action='store_true')
    parser.add_argument('--data', default='')
    parser.add_argument('--epochs', type=int, default=0)
    parser.add_argument('--batch-size', type=int, default=128)
    parser.add_argument('--max-lr', type=float, default=0.01)
    parser.add_argument('--clip', type=float, default=2.0)
    parser.add_argument('--dropout', type=float, default=0.25)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--max-batches', type=int, default=0)
    parser.add_argument('--print-batch-losses', action='store_true')
    args = parser.parse_args()
    epochs = args.epochs or (2 if args.full else 8)
    data = args.data or (FULL_DIR if args.full else SUBSET_DIR)

    torch.manual_seed(args.seed)
    started = time.time()
    train_x, train_y = load_split(data, 'train')
    test_x, test_y = load_split(data, 't10k')
    print(f'Fashion-MNIST from {data}: {train_x.shape[0]} training and {test_x.shape[0]} test images')

    model = FashionCNN(args.dropout)
    shuffle_generator = torch.Generator()
    shuffle_generator.manual_seed(args.seed)
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(train_x, train_y),
        batch_size=args.batch_size, shuffle=True, generator=shuffle_generator)
    full_batches = -(-train_x.shape[0] // args.batch_size)
    batches_per_epoch = min(args.max_batches, full_batches) if args.max_batches > 0 else full_batches
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.max_lr)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=args.max_lr, epochs=epochs, steps_per_epoch=batches_per_epoch)

    for epoch in range(1, epochs + 1):
        epoch_start = time.time()
        model.train()
        loss_sum, correct, seen, clipped, steps = 0.0, 0, 0, 0, 0
        for batch, (xb, yb) in enumerate(loader):
            if batch >= batches_per_epoch:
                break
            optimizer.zero_grad()
            logits = model(xb)
            loss = criterion(logits, yb)
            loss.backward()
            norm = nn.utils.clip_grad_norm_(model.parameters(), args.clip)
            optimizer.step()
            scheduler.step()
            if args.print_batch_losses:
                print(f'batch {batch} loss {loss.item():.6f}')
            loss_sum += loss.item() * xb.shape[0]
            seen += xb.shape[0]
            correct += (logits.argmax(1) == yb).sum().item()
            clipped += int(norm.item() > args.clip)
            steps += 1
        test_loss, test_acc = evaluate(model, test_x, test_y)
        print(f'epoch {epoch:2d}  train loss {loss_sum / seen:.4f}  train acc {100 * correct / seen:.2f}%  '
              f'test loss {test_loss:.4f}  test acc {100 * test_acc:.2f}%  '
              f'clipped {clipped}/{steps} steps  '
              f'{time.time() - epoch_start:.1f}s')
    print(f'total time {time.time() - started:.1f}s')


if __name__ == '__main__':
    main()
