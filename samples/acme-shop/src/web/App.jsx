import React, { useEffect, useState } from 'react';

export function App() {
  const [products, setProducts] = useState([]);
  useEffect(() => {
    fetch('/products').then((r) => r.json()).then(setProducts);
  }, []);
  return (
    <ul id="product-list">
      {products.map((p) => (
        <li key={p.id}>{p.name}</li>
      ))}
    </ul>
  );
}
