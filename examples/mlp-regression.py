"""The PyTorch program that examples/mlp-regression.ts ports line by line; both print the same lines.

Run with a Python that has PyTorch: python3 examples/mlp-regression.py
"""
import math

import torch
import torch.nn as nn
import torch.optim as optim

torch.manual_seed(0)

x_train = torch.rand(256, 1) * 2 - 1
y_train = torch.sin(x_train * 3)
x_test = torch.linspace(-1, 1, 64).unsqueeze(1)
y_test = torch.sin(x_test * 3)



def make_model():
    return nn.Sequential(nn.Linear(1, 32), nn.Tanh(), nn.Linear(32, 32), nn.Tanh(), nn.Linear(32, 1))


model = make_model()
optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
criterion = nn.MSELoss()
print(model)

for epoch in range(301):
    order = torch.randperm(256).tolist()
    for start in range(0, 256, 32):
        idx = order[start:start + 32]
        xb = torch.stack([x_train[i] for i in idx])
        yb = torch.stack([y_train[i] for i in idx])
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        last_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0).item()
        optimizer.step()
        last = loss.item()
    if epoch % 50 == 0:
        model.eval()
        with torch.no_grad():
            test_loss = criterion(model(x_test), y_test).item()
        model.train()
        print(f'epoch {epoch:3d}  train loss {last:.5f}  test loss {test_loss:.5f}  grad norm {last_norm:.3f}')

# Save and restore the weights into a fresh model (state_dict / load_state_dict).
copy = make_model()
copy.load_state_dict(model.state_dict())
with torch.no_grad():
    same = (copy(x_test) - model(x_test)).abs().max().item()
print(f'restored model differs by {same:g} on the test points')
with torch.no_grad():
    prediction = model(torch.tensor([[0.5]])).item()
print(f'prediction at x = 0.5: {prediction:.4f} (sin(1.5) = {math.sin(1.5):.4f})')
