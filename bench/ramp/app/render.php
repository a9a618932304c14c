<?php
// A short template render: loop over a small array building HTML, the quick request kind.
$items = [];
for ($i = 1; $i <= 20; $i++) {
    $items[] = ['id' => $i, 'name' => "Item $i", 'price' => $i * 1.25];
}
$title = 'Hello, world';
ob_start();
?>
<!doctype html>
<html><head><title><?= htmlspecialchars($title) ?></title></head>
<body>
<h1><?= htmlspecialchars($title) ?></h1>
<ul>
<?php foreach ($items as $item): ?>
  <li id="item-<?= $item['id'] ?>"><?= htmlspecialchars($item['name']) ?>: <?= number_format($item['price'], 2) ?></li>
<?php endforeach; ?>
</ul>
</body></html>
<?php
echo ob_get_clean();
