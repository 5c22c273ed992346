const express = require('express');
const { Pool } = require('pg');

const app = express();
const pool = new Pool({ connectionString: process.env.DATABASE_URL });

app.get('/products', async (_req, res) => {
  const { rows } = await pool.query('SELECT id, name, price FROM products ORDER BY name');
  res.json(rows);
});

app.get('/products/:id', async (req, res) => {
  const { rows } = await pool.query('SELECT * FROM products WHERE id = $1', [req.params.id]);
  res.json(rows[0] ?? null);
});

app.post('/orders', express.json(), async (req, res) => {
  const { rows } = await pool.query('INSERT INTO orders (items) VALUES ($1) RETURNING id', [JSON.stringify(req.body.items)]);
  res.status(201).json({ id: rows[0].id });
});

app.listen(3000);
